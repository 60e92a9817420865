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

"""What the tests, the example and the benchmark share: payloads, the
server's own database names, polling, page walks, free ports and files
that hold a secret.

Expectations are written here from the design (the payload Trove sends,
the server's databases, mongod's case rule), never taken from the
product's code, so that a test built on them does not grade the product
by itself.
"""

import os
import socket
import string
import time

# The databases that belong to the server: the default of [mongodb]
# ignore_dbs.
SERVER_DATABASES = ('admin', 'local', 'config')

POLL_INTERVAL = 0.05

_ASCII_FOLD = dict(zip(string.ascii_uppercase, string.ascii_lowercase))


class PollTimeout(AssertionError):
    """What a test waited for did not happen in time."""


def payload(name, character_set=None, collate=None):
    """The payload Trove sends for a database."""
    return {'_name': name, '_character_set': character_set,
            '_collate': collate}


def payloads(*names):
    return [payload(name) for name in names]


def fold(name):
    """``name`` as mongod compares database names: ASCII letters folded."""
    return ''.join(_ASCII_FOLD.get(character, character)
                   for character in name)


def is_server_database(name):
    """Whether ``name`` is, in any case, one of the server's databases."""
    return fold(name) in SERVER_DATABASES


def tenant_names(names):
    """The names of ``names`` that are not the server's own databases."""
    return {name for name in names if not is_server_database(name)}


def free_port():
    """A TCP port of 127.0.0.1 on which nothing listens (as of now)."""
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def poll(check, timeout, what, details=None, interval=POLL_INTERVAL):
    """Call ``check()`` until it returns something true, and return that.

    :param what: what is waited for, for the error.
    :param details: returns more text for the error (a log's tail, say).
    :raises PollTimeout: when ``timeout`` seconds pass first.
    """
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            message = '%s did not happen within %.1f s' % (what, timeout)
            if details is not None:
                message += ':\n%s' % details()
            raise PollTimeout(message)
        time.sleep(interval)


def walk(list_page_after, max_pages):
    """Every page of a listing, following ``next_marker`` from the first.

    :param list_page_after: ``f(marker)`` returns ``(page, next_marker)``.
    :param max_pages: how many pages the listing may take at most.
    :returns: the ``(page, next_marker)`` of every page, in order.
    :raises AssertionError: when the listing has not ended after
        ``max_pages`` pages.
    """
    pages = []
    marker = None
    for _ in range(max_pages):
        page, marker = list_page_after(marker)
        pages.append((page, marker))
        if marker is None:
            return pages
    raise AssertionError('the listing did not end after %d pages; the last '
                         'next_marker was %r' % (max_pages, marker))


def walked_items(pages):
    """The items of the pages of :func:`walk`, in order."""
    return [item for page, _marker in pages for item in page]


def write_private(path, text):
    """Write ``text`` to ``path``, readable and writable by its owner only.

    A new file is made with that mode, so that no other user can open it in
    between; a file that was there gets that mode before the text goes in.
    """
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, 'w') as stream:
        os.fchmod(stream.fileno(), 0o600)
        stream.write(text)
