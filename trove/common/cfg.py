#    Licensed under the Apache License, Version 2.0 (the "License"); you may
#    not use this file except in compliance with the License. You may obtain
#    a copy of the License at
#
#         http://www.apache.org/licenses/LICENSE-2.0
#
#    Unless required by applicable law or agreed to in writing, software
#    distributed under the License is distributed on an "AS IS" BASIS, WITHOUT
#    WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the
#    License for the specific language governing permissions and limitations
#    under the License.

"""Configuration options of the MongoDB guest agent plugin.

Every option is declared here once, with its help text, so that
``oslo-config-generator`` can produce a sample configuration from
:func:`list_opts`. Code reads ``CONF.<group>.<option>`` when it needs a
value; nothing copies an option into a module constant, so an override or a
reloaded configuration takes effect on the next operation.
"""

import re

from oslo_config import cfg
from oslo_config import types

from trove.common.i18n import _

CONF = cfg.CONF

_DETAIL_RE = re.compile(r"detail='([^']*)'")

# [DEFAULT] options of the guest agent process and of its callers. The
# message bus options (transport_url, control_exchange, ...) belong to
# oslo.messaging and the logging ones to oslo.log; the sample configuration
# lists them too.
agent_opts = [
    cfg.StrOpt(
        'guest_id',
        help='ID of the Trove instance this guest agent serves; Trove '
             'writes it to guest_info.conf on the instance. The agent '
             'takes requests on the RPC topic guestagent.<guest_id> of '
             'the control_exchange, and trove-guestagent refuses to '
             'start without it.'),
    cfg.StrOpt(
        'datastore_manager',
        help='The datastore of the instance; Trove writes it to '
             'guest_info.conf. This agent manages MongoDB, and '
             'trove-guestagent refuses to start when this names another '
             'datastore rather than serve requests meant for another '
             'agent.'),
    cfg.StrOpt(
        'tenant_id',
        help='The project that owns the instance; Trove writes it to '
             'guest_info.conf. The agent only names it in its start '
             'line, so an operator can tell instances apart in '
             'collected logs.'),
    cfg.StrOpt(
        'instance_rpc_encr_key', secret=True,
        help='The instance\'s RPC key; Trove writes it to '
             'guest_info.conf. With a key, every message from Trove must '
             'be encrypted with it, and is refused otherwise, since '
             'anyone who reaches the message bus could send a clear one; '
             'answers and messages to trove-conductor are encrypted with '
             'it. Without a key, messages travel in clear, as Trove '
             'sends them to an instance that has none.'),
    cfg.StrOpt(
        'conductor_queue', default='trove-conductor',
        help='The RPC topic of trove-conductor, to which the agent sends '
             'heartbeats and the outcome of requests. It has the name '
             'and default of Trove\'s own option.'),
    cfg.IntOpt(
        'report_interval', default=30, min=1,
        help='Seconds between two heartbeats to trove-conductor. Trove '
             'shows an instance whose last heartbeat is older than its '
             'agent_heartbeat_expiry (90 s) in error, so keep this well '
             'below it; it has the name and default of Trove\'s own '
             'option.'),
    cfg.StrOpt(
        'prepare_marker_file',
        default='/opt/trove-guestagent/.guestagent.prepare.end',
        help='File whose existence records that Trove\'s prepare has '
             'completed on this instance. Trove\'s agents send no '
             'heartbeat before then, and neither does this one; the file '
             'lets a restarted agent go on heartbeating. The default is '
             'the file Trove\'s own agents use.'),
    cfg.IntOpt(
        'agent_call_low_timeout', default=5, min=1,
        help='Seconds a caller waits for the guest agent to answer a '
             'quick call (rpc_ping, list_databases) before it gives up '
             'with a timeout error. It has the name and meaning of '
             'Trove\'s own option, so a caller configured like Trove\'s '
             'taskmanager behaves like it.'),
    cfg.IntOpt(
        'graceful_shutdown_timeout', default=60, min=0,
        help='Seconds trove-guestagent waits, after SIGTERM or SIGINT, '
             'for the requests it has taken to finish. Requests not yet '
             'taken stay queued on the message bus for the next start. '
             'If the ones in flight outlast this, the agent exits with '
             'status 1 and logs that their outcome is unknown; 0 waits '
             'without limit.'),
]

mongodb_group = cfg.OptGroup(
    'mongodb', title='MongoDB options',
    help='How the guest agent reaches and manages the local MongoDB '
         'server.')

mongodb_opts = [
    cfg.HostAddressOpt(
        'mongodb_host', default='localhost',
        help='Host name or IP address of the MongoDB server the guest '
             'agent manages. The agent connects to this one server '
             'directly, even when it is a replica set member.'),
    cfg.PortOpt(
        'mongodb_port', default=27017,
        help='TCP port of the MongoDB server.'),
    cfg.ListOpt(
        'ignore_dbs', default=['admin', 'local', 'config'],
        help='Databases that belong to the server, not to the tenant. '
             'They are never listed, created or deleted through the '
             'guest agent; the comparison ignores ASCII case, as '
             'mongod does for database names.'),
    cfg.ListOpt(
        'ignore_users', default=['admin.os_admin', 'admin.root'],
        help='Users, as <database>.<username>, that belong to the '
             'operator: never listed, shown, created, changed or dropped '
             'through the user commands (the comparison ignores ASCII '
             'case). admin.root is made only by root-enable. Users in a '
             'database of ignore_dbs are the server\'s too.'),
    cfg.StrOpt(
        'admin_credentials_file',
        default='/etc/trove/mongodb/os_admin_credentials.json',
        help='JSON file {"username": ..., "password": ...} holding the '
             'credentials of the os_admin user the agent authenticates '
             'as (against the admin database). It must be readable by '
             'its owner only. When the file does not exist the agent '
             'connects without authentication.'),
    cfg.FloatOpt(
        'server_selection_timeout', default=3.0, min=0.1, max=10.0,
        help='Seconds to wait for a reachable MongoDB server before an '
             'operation fails with a clear error. Kept below Trove\'s '
             'agent_call_low_timeout (5 s) so that a database-list '
             'against a stopped server reports why instead of timing '
             'out on the RPC bus.'),
    cfg.StrOpt(
        'mount_point', default='/var/lib/mongodb',
        help='Where the instance\'s data volume is mounted. Trove shows '
             'its size and use in trove show, from the figures the agent '
             'reads there; the default is where Trove\'s MongoDB '
             'datastore mounts it.'),
    cfg.FloatOpt(
        'operation_timeout', default=30.0, min=1.0,
        help='Seconds a single MongoDB command may take on an '
             'established connection before it fails, so that a server '
             'that stops answering cannot hang the agent.'),
    cfg.BoolOpt(
        'checkpoint_after_ddl', default=False,
        help='Also have the server checkpoint (fsync) once at the end of '
             'each database-create and database-delete request, and of '
             'each request that changes users, access or root. Only for '
             'servers that do not journal DDL and user writes, such as the '
             'SecantusDB test server: there a crash can undo a change the '
             'agent has reported done, and only a checkpoint prevents '
             'that. mongod journals them: every write the agent sends '
             'carries write concern {w: 1, j: true}, which makes it '
             'durable without a checkpoint. A checkpoint writes every '
             'dirty page of every database, the tenant\'s included, so '
             'with this on each request costs more the more the tenant '
             'writes.'),
]

CONF.register_opts(agent_opts)
CONF.register_group(mongodb_group)
CONF.register_opts(mongodb_opts, group=mongodb_group)


def list_opts():
    """Option lists for oslo-config-generator (``trove.guestagent``)."""
    return [(None, agent_opts), (mongodb_group, mongodb_opts)]


# What an option of each type takes, most specific type first.
_KINDS = ((types.Port, _('a port number')),
          (types.Integer, _('a whole number')),
          (types.Number, _('a number')),
          (types.Boolean, _('true or false')),
          (types.HostAddress, _('a host name or IP address')),
          (types.List, _('a comma-separated list')))


def _expected(opt):
    """What ``opt`` takes, in words: "a number from 0.1 to 10.0"."""
    kind = next((words for kind, words in _KINDS
                 if isinstance(opt.type, kind)), _('a string'))
    low = getattr(opt.type, 'min', None)
    high = getattr(opt.type, 'max', None)
    if low is not None and high is not None:
        return _('%(kind)s from %(low)s to %(high)s') % {
            'kind': kind, 'low': low, 'high': high}
    if low is not None:
        return _('%(kind)s of at least %(low)s') % {
            'kind': kind, 'low': low}
    if high is not None:
        return _('%(kind)s of at most %(high)s') % {
            'kind': kind, 'high': high}
    return kind


# What reading a value set to something oslo.config cannot take raises.
_UNREADABLE = (cfg.ConfigSourceValueError, cfg.NoSuchOptError,
               cfg.TemplateSubstitutionError)


def _values(conf):
    """(section, option name) of every option registered in ``conf``.

    Not only this project's: oslo.messaging's and oslo.log's options are
    read at the first message or log line, too late for a clear refusal.
    """
    for name in sorted(conf):
        try:
            value = conf[name]
        except _UNREADABLE:
            yield 'DEFAULT', name
            continue
        if isinstance(value, cfg.ConfigOpts.GroupAttr):
            for option in sorted(value):
                yield name, option
        else:
            yield 'DEFAULT', name


def invalid_option(conf=CONF):
    """Describe the first option set to a bad value, this project's first.

    oslo.config checks a value only when it is read, so a bad one would
    otherwise surface only in the first request that reads it.

    :returns: one line naming the option, where it was set and what it
        takes, or ``None`` when every value is valid.
    """
    ours = {('DEFAULT' if group is None else group.name, opt.dest): opt
            for group, opts in list_opts() for opt in opts}
    for section, name in list(ours) + [
            key for key in _values(conf) if key not in ours]:
        try:
            (conf if section == 'DEFAULT' else conf[section])[name]
        except cfg.ConfigSourceValueError as exc:
            # "Value for option X from LocationInfo(..., detail='F')
            # is not valid: <why>"; oslo.config has no other way to
            # tell where the bad value came from.
            text = str(exc)
            where = _DETAIL_RE.search(text)
            opt = ours.get((section, name))
            return _('[%(group)s] %(name)s%(where)s must be '
                     '%(expected)s: %(reason)s') % {
                'group': section, 'name': name,
                'where': (_(' in %s') % where.group(1)) if where else '',
                'expected': (_expected(opt) if opt is not None
                             else _('a valid value')),
                'reason': text.split(' is not valid: ', 1)[-1]}
        except (cfg.NoSuchOptError, cfg.TemplateSubstitutionError):
            # oslo.config's own error names the option being read, not
            # the reference, and a password is where a $ is likely.
            return _('[%(group)s] %(name)s holds a $ that names no option: '
                     'oslo.config reads $<name> as the value of option '
                     '<name>, so write a $ of the value itself as $$.') % {
                'group': section, 'name': name}
    return None
