"""Clean-room stand-in for `python -m pyrogue` (compat tier), written from
../shared/spec/PROTOCOL.md §6.4 (v6.15 CLI); not pyrogue's code.

  python -m pyrogue [--server host:port[,...]] [--details] CMD [PATH [VALUE]]

CMD: get (getDisp), value (valueDisp), set (setDisp PATH VALUE), exec
(__call__(VALUE or None)), monitor (prints the valueDisp of PATH, then every
published update whose key == PATH, until Ctrl-C), syslog, path.
Output shape as pyrogue's: 'Connecting to <server>' then, when the call returns
something other than None, an empty line and 'Ret = <value>'.
gui/timeplot need PyDM/Qt and are refused here (exit code 2)."""
import argparse
import os
import sys
import time

import pyrogue
import pyrogue.interfaces

parser = argparse.ArgumentParser('Pyrogue Client')
parser.add_argument('--server', type=str, default='localhost:9099',
                    help="Server address: 'host:port' or list of addresses: 'host1:port1,host2:port2'")
parser.add_argument('--ui', type=str, default=None, help='UI File for gui (cmd=gui)')
parser.add_argument('--details', action='store_true', help='Show log details with stacktrace (cmd=syslog)')
parser.add_argument('cmd', type=str,
                    choices=['gui', 'syslog', 'monitor', 'get', 'value', 'set', 'exec', 'path', 'timeplot'],
                    help='Client command to issue')
parser.add_argument('path', type=str, nargs='?', help='Path to access')
parser.add_argument('value', type=str, nargs='?', help='Value to set')
args = parser.parse_args()

if args.cmd == 'path':
    print(os.path.dirname(__file__))
    sys.exit()

try:
    host = args.server.split(',')[0].split(':')[0]
    port = int(args.server.split(',')[0].split(':')[1])
except Exception:
    raise Exception('Failed to extract server host & port')

print('Connecting to {}'.format(args.server), flush=True)

if args.cmd in ('gui', 'timeplot'):
    print(f'compat pyrogue: "{args.cmd}" needs PyDM/Qt, not available in the compat tier', file=sys.stderr)
    sys.exit(2)

elif args.cmd == 'syslog':
    sl = pyrogue.interfaces.SystemLogMonitor(args.details)
    client = pyrogue.interfaces.SimpleClient(host, port, cb=sl.varUpdated)
    print('Listening for system log message:')
    print('')
    sl.processLogString(client.value('root.SystemLog'))
    try:
        while True:
            time.sleep(1)
    except KeyboardInterrupt:
        client._stop()
        sys.exit()

elif args.cmd == 'monitor':
    if args.path is None:
        print('Error: A path must be provided')
        sys.exit()
    vm = pyrogue.interfaces.VariableMonitor(args.path)
    client = pyrogue.interfaces.SimpleClient(host, port, cb=vm.varUpdated)
    ret = client.valueDisp(args.path)
    print('')
    vm.display(client.valueDisp(args.path))
    try:
        while True:
            time.sleep(1)
    except KeyboardInterrupt:
        client._stop()
        sys.exit()

else:
    client = pyrogue.interfaces.SimpleClient(host, port)
    ret = None
    try:
        if args.path is None:
            print('Error: A path must be provided')
            client._stop()
            sys.exit()
        elif args.cmd == 'get':
            ret = client.getDisp(args.path)
        elif args.cmd == 'value':
            ret = client.valueDisp(args.path)
        elif args.cmd == 'set':
            if args.value is None:
                print('Error: A value must be provided')
                client._stop()
                sys.exit()
            client.setDisp(args.path, args.value)
            ret = None
        elif args.cmd == 'exec':
            ret = client.exec(args.path, args.value)
    except BaseException:
        client._stop()
        raise
    client._stop()
    if ret is not None:
        print(f'\nRet = {ret}')
