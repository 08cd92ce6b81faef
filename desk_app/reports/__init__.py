"""Documents made from the core's figures and records: the daily report (PDF or XLSX) and a
candidate's evidence pack (PDF). Plain Python (reportlab, openpyxl), no Qt: the command line,
the central side and the GUI's workers all call the same writers.

Chinese text uses reportlab's built-in CID font STSong-Light, which every PDF reader resolves
to a Song typeface of its own: no font file is shipped or embedded.
"""
