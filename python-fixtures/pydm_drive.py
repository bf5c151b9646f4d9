#!/usr/bin/env python3
"""Drives pyrogue's standard PyDM GUI (`python -m pyrogue gui`: pyrogue.pydm.runPyDM with
its DefaultTop display) against a pyrogue server running the ExampleRoot, the way a user
would: the System tab's Run Control (run rate 10 Hz, Running, Stopped), its Data Writer
(a file name, Open, Close) and a Process panel (pyrogue.pydm.widgets.Process of
root.Process, on a third tab) with Start and Stop. Prints one JSON observation per step
and saves screenshots (Qt's grab of the main window). Real tier: needs pyrogue and PyDM;
run under `xvfb-run -a` with QT_QPA_PLATFORM=xcb.

  pydm_drive.py HOST:PORT OUTDIR DATAFILE
      OUTDIR/system-running.png   the System tab while a run counts and the file is open
      OUTDIR/process.png          the Process tab while the process runs

  pydm_drive.py combine LEFT.png RIGHT.png LEFT_TITLE RIGHT_TITLE OUT.png
      the two pictures side by side under their titles
"""
import json
import os
import sys
import time


def combine(left, right, ltitle, rtitle, out):
    from qtpy.QtGui import QImage, QPainter, QColor, QFont
    from qtpy.QtWidgets import QApplication
    from qtpy.QtCore import Qt, QRect
    app = QApplication.instance() or QApplication(sys.argv)
    a, b = QImage(left), QImage(right)
    head, gap = 40, 16
    img = QImage(a.width() + b.width() + gap, max(a.height(), b.height()) + head, QImage.Format_RGB32)
    img.fill(QColor('white'))
    p = QPainter(img)
    f = QFont()
    f.setPointSize(14)
    f.setBold(True)
    p.setFont(f)
    p.drawText(QRect(0, 0, a.width(), head), Qt.AlignCenter, ltitle)
    p.drawText(QRect(a.width() + gap, 0, b.width(), head), Qt.AlignCenter, rtitle)
    p.drawImage(0, head, a)
    p.drawImage(a.width() + gap, head, b)
    p.end()
    img.save(out)
    del app


def main():
    server, outdir, datafile = sys.argv[1], sys.argv[2], sys.argv[3]
    os.makedirs(outdir, exist_ok=True)

    import pydm
    import pyrogue.interfaces
    import pyrogue.pydm
    from pyrogue.pydm.pydmTop import DefaultTop, Channel
    from pyrogue.pydm.widgets import Process as ProcessWidget
    from pyrogue.pydm.widgets import RunControl as RunControlWidget
    from pyrogue.pydm.widgets import DataWriter as DataWriterWidget
    from pydm.widgets import PyDMEnumComboBox, PyDMLabel, PyDMPushButton
    from qtpy.QtCore import QTimer

    class Top(DefaultTop):
        """pyrogue's standard display, with a Process panel on a third tab."""

        def __init__(self, parent=None, args=None, macros=None):
            super().__init__(parent=parent, args=args, macros=macros)
            self.tab.addTab(ProcessWidget(parent=None, init_channel=Channel + '.Process'), 'Process')
            self.tab.setCurrentIndex(0)
            QTimer.singleShot(1000, start)
            # a watchdog: never hang
            QTimer.singleShot(120000, lambda: (obs('pydm:timeout'), pydm.PyDMApplication.instance().quit()))

    host, port = server.split(':')
    client = pyrogue.interfaces.VirtualClient(addr=host, port=int(port))
    root = client.root

    def obs(step, **kw):
        print(json.dumps({'step': step, **kw}, sort_keys=True), flush=True)

    def steps():
        app = pydm.PyDMApplication.instance()
        win = app.main_window
        top = None
        while top is None or not top.findChildren(RunControlWidget) or not top.findChildren(DataWriterWidget):
            top = next(iter(win.findChildren(Top)), None)
            yield 0.2
        rcw = top.findChildren(RunControlWidget)[0]
        dww = top.findChildren(DataWriterWidget)[0]

        def by_channel(parent, cls, suffix):
            for w in parent.findChildren(cls):
                if str(getattr(w, 'channel', '') or '').endswith(suffix):
                    return w
            raise KeyError(suffix)

        while not by_channel(rcw, PyDMEnumComboBox, '.runState').count():
            yield 0.2
        rate = by_channel(rcw, PyDMEnumComboBox, '.runRate')
        state = by_channel(rcw, PyDMEnumComboBox, '.runState')
        count = by_channel(rcw, PyDMLabel, '.runCount')

        def choose(combo, text):
            i = combo.findText(text)
            combo.setCurrentIndex(i)
            combo.activated[int].emit(i)

        # --- Run Control
        choose(rate, '10 Hz')
        yield 0.5
        choose(state, 'Running')
        seen = []
        for _ in range(12):
            yield 0.25
            seen.append(count.text())
        obs('pydm:run control running', state=state.currentText(), rate=rate.currentText(),
            counts_rise=len(set(seen)) >= 3 and int(seen[-1]) > int(seen[0]))

        # --- Data Writer: a file name, Open; PRBS frames flow while the run counts
        line = dww._dataFile
        line.setText(datafile)
        line.returnPressed.emit()
        yield 0.5
        dww._openbutton.click()
        root.PrbsTx.txPeriod.set(2000)
        root.PrbsTx.txEnable.set(True)
        frames = by_channel(dww, PyDMLabel, '.FrameCount')
        isopen = by_channel(dww, PyDMLabel, '.IsOpen/disp')
        size = by_channel(dww, PyDMLabel, '.CurrentSize/disp')
        fseen = []
        for _ in range(12):
            yield 0.25
            fseen.append(frames.text())
        obs('pydm:data writer open', isOpen=isopen.text(), close_enabled=dww._closebutton.isEnabled(),
            open_enabled=dww._openbutton.isEnabled(), frames_rise=int(fseen[-1]) > int(fseen[0]) > 0,
            size_nonzero=size.text() not in ('', '0'))
        yield 1.5
        win.grab().save(os.path.join(outdir, 'system-running.png'))

        choose(state, 'Stopped')
        root.PrbsTx.txEnable.set(False)
        yield 1.5
        c1 = count.text()
        yield 1.5
        obs('pydm:run control stopped', state=state.currentText(), count_still=count.text() == c1, count_nonzero=int(c1) > 0)
        dww._closebutton.click()
        yield 1.5
        f1 = frames.text()
        yield 1.5
        obs('pydm:data writer closed', isOpen=isopen.text(), frames_still=frames.text() == f1,
            file_size_shown=os.path.exists(datafile) and size.text().replace(',', '') == str(os.path.getsize(datafile)))

        # --- Process panel
        top.tab.setCurrentIndex(2)
        pw = top.findChildren(ProcessWidget)[0]
        while not pw.findChildren(PyDMPushButton):
            yield 0.2
        buttons = {b.text(): b for b in pw.findChildren(PyDMPushButton)}
        buttons['Start'].click()
        yield 3.5
        lines = {str(w.channel).rsplit('.', 1)[-1]: w for w in pw.findChildren(pyrogue.pydm.widgets.PyRogueLineEdit)}
        obs('pydm:process running', running=lines['Running/disp'].text(), message=lines['Message/disp'].text()[:12])
        win.grab().save(os.path.join(outdir, 'process.png'))
        buttons['Stop'].click()
        yield 2.5
        obs('pydm:process stopped', running=lines['Running/disp'].text(), message=lines['Message/disp'].text())
        top.tab.setCurrentIndex(0)
        yield 0.5
        app.quit()

    gen = [None]

    def tick():
        try:
            delay = next(gen[0])
        except StopIteration:
            return
        except Exception as e:
            obs('pydm:error', error=f'{type(e).__name__}: {e}')
            pydm.PyDMApplication.instance().quit()
            return
        QTimer.singleShot(int(delay * 1000), tick)

    def start():
        gen[0] = steps()
        tick()

    pyrogue.pydm.runPyDM(serverList=server, display_factory=Top, title='Rogue Server: ' + server, sizeX=800, sizeY=1000)
    sys.stdout.flush()
    os._exit(0)


if __name__ == '__main__':
    if sys.argv[1] == 'combine':
        combine(*sys.argv[2:7])
    else:
        main()
