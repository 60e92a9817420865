#!/usr/bin/env python3

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

"""The project's two entry points on a machine that has only Python 3.

    python3 tools/dev.py demo    the main job: a real server, driven by
                                 database-create, -list and -delete
    python3 tools/dev.py test    every test: pep8, unit and functional

Each creates ``.devenv`` beside this folder on first use, installs the
project and its test requirements into it, and reinstalls when a
requirements file changes. ``test`` also makes the venvs of upstream
Trove that the tests use as their peers (its package name is ours too, so
it cannot share ours), and remakes each when its pins change:
``.trove-upstream`` (Trove 26, its guest API class and conductor) and
``.trove-ussuri`` (Trove 13, its API and conductor, and the tenant's
``openstack`` client).
Nothing here uses a shell.
"""

import hashlib
import os
import re
import subprocess
import sys
import venv

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# Not .venv: tox 4 writes a file of that name pointing at its last env.
VENV = os.path.join(ROOT, '.devenv')
PYTHON = os.path.join(VENV, 'bin', 'python')
CONSTRAINTS = os.path.join('tools', 'upper-constraints.txt')
INPUTS = ('requirements.txt', 'test-requirements.txt', 'setup.cfg',
          CONSTRAINTS)
UPSTREAM_VENV = os.path.join(ROOT, '.trove-upstream')
UPSTREAM_PEER = os.path.join('trove', 'tests', 'upstream_peer')
UPSTREAM_REQUIREMENTS = os.path.join(UPSTREAM_PEER, 'requirements.txt')
UPSTREAM_CONSTRAINTS = os.path.join(UPSTREAM_PEER, 'upper-constraints.txt')
USSURI_VENV = os.path.join(ROOT, '.trove-ussuri')
USSURI_PEER = os.path.join('trove', 'tests', 'ussuri_peer')
USSURI_REQUIREMENTS = os.path.join(USSURI_PEER, 'requirements.txt')
USSURI_CONSTRAINTS = os.path.join(USSURI_PEER, 'constraints.txt')
USSURI_UPPER_CONSTRAINTS = os.path.join(USSURI_PEER,
                                        'upper-constraints.txt')
# Loaded by every interpreter of the peer venvs: the folder of the modules
# the peers share (the drivers' protocol, the stand-ins Trove's services
# name in their configuration) on their path; and, in the Trove 13 venv
# only, the names Python 3.11 removed that Trove 13 still uses.
PEER_MODULES = os.path.join(ROOT, 'trove', 'tests', 'peer_modules')
PEER_PTH = {'trove_test_peer.pth': PEER_MODULES + '\n'}
USSURI_PTH = dict(PEER_PTH, **{
    'trove_test_peer_compat.pth': 'import ussuri_compat\n'})


def _requirements_digest(inputs):
    digest = hashlib.sha256()
    for name in inputs:
        with open(os.path.join(ROOT, name), 'rb') as stream:
            digest.update(stream.read())
    return digest.hexdigest()


def _ensure(venv_dir, inputs, what, install_args, upgrade=('pip',)):
    """Create ``venv_dir`` and install into it, if ``inputs`` changed."""
    python = os.path.join(venv_dir, 'bin', 'python')
    stamp = os.path.join(venv_dir, '.installed')
    digest = _requirements_digest(inputs)
    try:
        with open(stamp) as stream:
            if stream.read() == digest:
                return
    except OSError:
        pass
    if not os.path.exists(python):
        print('dev: creating %s' % venv_dir, flush=True)
        venv.EnvBuilder(with_pip=True).create(venv_dir)
    print('dev: installing %s' % what, flush=True)
    # -qq: pip's errors only; its exit status says whether it worked.
    _run([python, '-m', 'pip', 'install', '-qq', '--upgrade']
         + list(upgrade))
    _run([python, '-m', 'pip', 'install', '-qq'] + install_args)
    with open(stamp, 'w') as stream:
        stream.write(digest)


def ensure_venv():
    _ensure(VENV, INPUTS, 'the project and its test requirements',
            ['-c', CONSTRAINTS, '-r', 'requirements.txt',
             '-r', 'test-requirements.txt', '-e', '.'])


def _write_pth(venv_dir, files):
    """Write ``.pth`` files into the venv; they name this checkout."""
    site_packages = subprocess.run(
        [os.path.join(venv_dir, 'bin', 'python'), '-c',
         'import sysconfig; print(sysconfig.get_paths()["purelib"])'],
        capture_output=True, text=True, check=True).stdout.strip()
    for name, text in files.items():
        with open(os.path.join(site_packages, name), 'w') as stream:
            stream.write(text)


def ensure_upstream_venv():
    _ensure(UPSTREAM_VENV, (UPSTREAM_REQUIREMENTS, UPSTREAM_CONSTRAINTS),
            'upstream Trove, the tests\' peer',
            ['-c', UPSTREAM_CONSTRAINTS, '-r', UPSTREAM_REQUIREMENTS])
    _write_pth(UPSTREAM_VENV, PEER_PTH)


def ensure_ussuri_venv():
    _ensure(USSURI_VENV, (USSURI_REQUIREMENTS, USSURI_CONSTRAINTS,
                          USSURI_UPPER_CONSTRAINTS),
            'upstream Trove 13 and the openstack client, the tenant-path '
            'tests\' peer',
            ['-c', USSURI_CONSTRAINTS, '-c', USSURI_UPPER_CONSTRAINTS,
             '-r', USSURI_REQUIREMENTS],
            upgrade=('pip', '-c', USSURI_CONSTRAINTS, 'setuptools'))
    _write_pth(USSURI_VENV, USSURI_PTH)


def _run(args, **kwargs):
    completed = subprocess.run(args, cwd=ROOT, **kwargs)
    if completed.returncode:
        sys.exit(completed.returncode)
    return completed


def _tool(name):
    return os.path.join(VENV, 'bin', name)


def demo(args):
    _run([PYTHON, os.path.join(ROOT, 'tools', 'example.py')] + args)


def test(args):
    ensure_upstream_venv()
    ensure_ussuri_venv()
    print('dev: pep8 (flake8 with hacking)', flush=True)
    _run([_tool('flake8')])
    print('dev: unit and functional tests (stestr)', flush=True)
    if not os.path.isdir(os.path.join(ROOT, '.stestr')):
        _run([_tool('stestr'), 'init'], stdout=subprocess.DEVNULL)
    process = subprocess.Popen([_tool('stestr'), 'run'] + args, cwd=ROOT,
                               stdout=subprocess.PIPE, text=True)
    tail = []
    for line in process.stdout:
        sys.stdout.write(line)
        tail = (tail + [line])[-40:]
    status = process.wait()
    counts = {}
    for key in ('Passed', 'Failed', 'Skipped'):
        match = re.search(r'- %s: (\d+)' % key, ''.join(tail))
        counts[key] = int(match.group(1)) if match else 0
    print('tests: %(Passed)d passed, %(Failed)d failed, %(Skipped)d skipped'
          % counts, flush=True)
    if os.environ.get('CI') and counts['Skipped']:
        # In CI every test must run, above all the ones that need a server.
        print('dev: tests were skipped in CI; that is a failure here.')
        status = status or 1
    if not counts['Passed']:
        status = status or 1
    sys.exit(status)


COMMANDS = {'demo': demo, 'test': test}

USAGE = {
    'demo': 'usage: python3 tools/dev.py demo [--transport-url URL]\n\n'
            'The main job: a real MongoDB-protocol server, trove-guestagent '
            'and\ntrove-mongodb over the message bus (demo --help after the '
            'first run\ntells more).',
    'test': 'usage: python3 tools/dev.py test [REGEX ...] [stestr run '
            'options]\n\n'
            'flake8 with hacking, then every test through "stestr run" '
            '(unit and\nfunctional). Arguments go to stestr run: a regex '
            'runs the tests whose\nnames match it, e.g. "python3 '
            'tools/dev.py test test_operator_cli".',
}


def _asks_for_help(args):
    return any(arg in ('-h', '--help') for arg in args)


def main(argv):
    if len(argv) < 2 or argv[1] not in COMMANDS:
        sys.exit('usage: python3 tools/dev.py {%s} [args...]'
                 % ','.join(sorted(COMMANDS)))
    if argv[1] == 'test' and _asks_for_help(argv[2:]):
        # Before anything is installed or run.
        print(USAGE['test'])
        return
    if argv[1] == 'demo' and _asks_for_help(argv[2:]) and not (
            os.path.exists(PYTHON)):
        print(USAGE['demo'])
        return
    ensure_venv()
    COMMANDS[argv[1]](argv[2:])


if __name__ == '__main__':
    main(sys.argv)
