"""Configuration options of the MongoDB guest agent plugin.

Every option is declared here once, with its help text, so that
``oslo-config-generator`` can produce a sample configuration from
:func:`list_opts`. Code reads ``CONF.<group>.<option>`` when it needs a
value; nothing copies an option into a module constant, so an override or a
reloaded configuration takes effect on the next operation.
"""

from oslo_config import cfg

from trove.common.i18n import _

CONF = cfg.CONF

mongodb_group = cfg.OptGroup(
    'mongodb', title=_('MongoDB options'),
    help=_('How the guest agent reaches and manages the local MongoDB '
           'server.'))

mongodb_opts = [
    cfg.HostAddressOpt(
        'mongodb_host', default='localhost',
        help=_('Host name or IP address of the MongoDB server the guest '
               'agent manages. The agent connects to this one server '
               'directly, even when it is a replica set member.')),
    cfg.PortOpt(
        'mongodb_port', default=27017,
        help=_('TCP port of the MongoDB server.')),
    cfg.ListOpt(
        'ignore_dbs', default=['admin', 'local', 'config'],
        help=_('Databases that belong to the server, not to the tenant. '
               'They are never listed, created or deleted through the '
               'guest agent; the comparison ignores ASCII case, as '
               'mongod does for database names.')),
    cfg.StrOpt(
        'admin_credentials_file',
        default='/etc/trove/mongodb/os_admin_credentials.json',
        help=_('JSON file {"username": ..., "password": ...} holding the '
               'credentials of the os_admin user the agent authenticates '
               'as (against the admin database). It must be readable by '
               'its owner only. When the file does not exist the agent '
               'connects without authentication.')),
    cfg.FloatOpt(
        'server_selection_timeout', default=3.0, min=0.1, max=10.0,
        help=_('Seconds to wait for a reachable MongoDB server before an '
               'operation fails with a clear error. Kept below Trove\'s '
               'agent_call_low_timeout (5 s) so that a database-list '
               'against a stopped server reports why instead of timing '
               'out on the RPC bus.')),
    cfg.FloatOpt(
        'operation_timeout', default=30.0, min=1.0,
        help=_('Seconds a single MongoDB command may take on an '
               'established connection before it fails, so that a server '
               'that stops answering cannot hang the agent.')),
]

CONF.register_group(mongodb_group)
CONF.register_opts(mongodb_opts, group=mongodb_group)


def list_opts():
    """Option lists for oslo-config-generator (``trove.guestagent``)."""
    return [(mongodb_group, mongodb_opts)]
