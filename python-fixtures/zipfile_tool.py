#!/usr/bin/env python3
"""Python's own zipfile module as the independent reader and writer of zip
archives, for interop/tree-zip-config.test.ts (no pyrogue needed).

    /usr/bin/python3 python-fixtures/zipfile_tool.py info FILE
        one JSON line: {"members": [{name, compress_type, flag_bits, create_version,
        create_system, extract_version, external_attr, date_time, file_size, text}]}
        (text: the member read with ZipFile.read, which checks its CRC), or {"error": "Type: message"}
    /usr/bin/python3 python-fixtures/zipfile_tool.py write FILE METHOD < members.json
        writes FILE with zipfile.ZipFile(FILE, 'w', METHOD) where METHOD is stored,
        deflated or lzma, one member per [name, text] of the JSON list on stdin,
        each with zf.open(name, 'w') as pyrogue's saveYaml does.
"""
import json
import sys
import zipfile

METHODS = {'stored': zipfile.ZIP_STORED, 'deflated': zipfile.ZIP_DEFLATED, 'lzma': zipfile.ZIP_LZMA}


def info(fn):
    try:
        with zipfile.ZipFile(fn, 'r') as z:
            out = []
            for i in z.infolist():
                out.append({
                    'name': i.filename,
                    'compress_type': i.compress_type,
                    'flag_bits': i.flag_bits,
                    'create_version': i.create_version,
                    'create_system': i.create_system,
                    'extract_version': i.extract_version,
                    'external_attr': i.external_attr,
                    'date_time': list(i.date_time),
                    'file_size': i.file_size,
                    'text': z.read(i).decode('utf-8'),
                })
            return {'members': out, 'testzip': z.testzip()}
    except Exception as e:
        return {'error': f'{type(e).__name__}: {e}'}


def write(fn, method):
    members = json.load(sys.stdin)
    with zipfile.ZipFile(fn, 'w', compression=METHODS[method]) as z:
        for name, text in members:
            with z.open(name, 'w') as f:
                f.write(text.encode('utf-8'))
    return {'ok': True}


def main():
    if len(sys.argv) == 3 and sys.argv[1] == 'info':
        out = info(sys.argv[2])
    elif len(sys.argv) == 4 and sys.argv[1] == 'write' and sys.argv[3] in METHODS:
        out = write(sys.argv[2], sys.argv[3])
    else:
        print(f'usage: {sys.argv[0]} info FILE | write FILE stored|deflated|lzma < members.json', file=sys.stderr)
        sys.exit(2)
    print(json.dumps(out))


if __name__ == '__main__':
    main()
