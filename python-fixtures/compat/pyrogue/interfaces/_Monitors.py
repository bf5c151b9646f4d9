"""Clean-room stand-ins for the CLI helpers SystemLogMonitor and
VariableMonitor (compat tier), written from PROTOCOL.md §6.4; not pyrogue's code.

VariableMonitor prints '<YYYY-mm-dd HH:MM:SS TZ>: <path> = <valueDisp>' for the
initial value and for every published update whose key equals the path."""
import json
import time


class VariableMonitor(object):

    def __init__(self, path):
        self._path = path

    def display(self, value):
        print('{}: {} = {}'.format(time.strftime('%Y-%m-%d %H:%M:%S %Z', time.localtime(time.time())),
                                   self._path, value), flush=True)

    def varUpdated(self, key, varVal):
        if self._path == key:
            self.display(varVal.valueDisp)


class SystemLogMonitor(object):

    def __init__(self, details=False):
        self._details = details
        self._logCount = 0

    def processLogString(self, logString):
        lst = json.loads(logString)
        if len(lst) < self._logCount:
            self._logCount = 0
        for entry in lst[self._logCount:]:
            msg = entry['message'].replace('\n', '\n                         ')
            print('{}: {}'.format(time.strftime('%Y-%m-%d %H:%M:%S %Z', time.localtime(entry['created'])), msg))
            if self._details:
                print('                   Name: {}'.format(entry['name']))
                print('                  Level: {} ({})'.format(entry['levelName'], entry['levelNumber']))
                if entry.get('exception') is not None:
                    print('              Exception: {}'.format(entry['exception']))
                    for v in entry.get('traceBack') or []:
                        print('                         {}'.format(v.replace('\n', '\n                         ')))
                print('')
        self._logCount = len(lst)

    def varUpdated(self, key, varVal):
        if 'SystemLog' in key:
            self.processLogString(varVal.value)
