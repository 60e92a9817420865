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

"""The benchmark's tables, as plain text."""

COLUMNS = ('case', 'baseline', 'n', 'plugin ms: median [min, max]',
           'baseline ms: median [min, max]', 'ratio', 'target', 'met')


def _ms(seconds):
    milliseconds = seconds * 1000.0
    if milliseconds < 10:
        return '%.3f' % milliseconds
    if milliseconds < 1000:
        return '%.1f' % milliseconds
    return '%.0f' % milliseconds


def _summary(summary):
    return '%s [%s, %s]' % (_ms(summary.median), _ms(summary.minimum),
                            _ms(summary.maximum))


def _met(row):
    return {None: 'info', True: 'yes', False: 'NO'}[row.met]


def _target(row):
    return '-' if row.target is None else '<= %.2f' % row.target


def row_cells(row):
    return (row.case, row.kind, str(row.plugin.count), _summary(row.plugin),
            _summary(row.baseline), '%.2f' % row.ratio, _target(row),
            _met(row))


def table(header, lines):
    """Lines of cells as an aligned text table."""
    widths = [max(len(cells[column]) for cells in [header] + lines)
              for column in range(len(header))]

    def line(cells):
        return '  '.join(cell.ljust(width)
                         for cell, width in zip(cells, widths)).rstrip()

    rule = '  '.join('-' * width for width in widths)
    return '\n'.join([rule, line(header), rule]
                     + [line(cells) for cells in lines] + [rule])


def timing_table(rows):
    return table(COLUMNS, [row_cells(row) for row in rows])


def commands_cell(commands):
    """The commands in order, a run of one command as ``name x N``."""
    runs = []
    for command in commands:
        if runs and runs[-1][0] == command:
            runs[-1][1] += 1
        else:
            runs.append([command, 1])
    return ', '.join(name if count == 1 else '%s x %d' % (name, count)
                     for name, count in runs)


def work_table(work):
    """What each side sent the server, and whether it is the same."""
    return table(('operation', 'plugin commands', 'baseline commands',
                  'same'),
                 [(name, commands_cell(plugin), commands_cell(raw),
                   'yes' if plugin == raw else 'NO')
                  for name, plugin, raw in work])


def memory_lines(result, target_mib):
    delta_mib = (result.peak_kib - result.idle_kib) / 1024.0
    return [
        'agent memory, listing %s databases (first page, full walk of '
        '%s names, all at once):' % ('{:,}'.format(result.databases),
                                     '{:,}'.format(result.listed)),
        '  idle RSS %.1f MiB, peak RSS %.1f MiB, peak - idle %.1f MiB '
        '(target <= %d MiB: %s)%s' % (
            result.idle_kib / 1024.0, result.peak_kib / 1024.0, delta_mib,
            target_mib, 'yes' if delta_mib <= target_mib else 'NO',
            '' if result.peak_reset else
            ' [peak not reset: includes start-up]'),
    ]
