"""``resamplers compare``: measure and show what every down- and upsampling method does.

:mod:`~resamplers.report.methods` lists the methods, :mod:`~resamplers.report.inputs` prepares
the images (and draws the zone plate), :mod:`~resamplers.report.compare` measures,
:mod:`~resamplers.report.html` and :mod:`~resamplers.report.figures` write the report, and
:mod:`~resamplers.report.table` prints its summary. Writing needs matplotlib
(``pip install 'resamplers[report]'``); the rest needs only the core dependencies.
"""
