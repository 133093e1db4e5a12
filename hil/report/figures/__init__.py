"""hilander.hil.report.figures: each result's figures as PNG bytes.

``landing``, ``link``, ``campaign`` and ``optimal`` draw through
``plotting.pyplot()``; ``plotting`` is the only module that imports matplotlib
(headless, on the first figure: the ``report`` extra).
"""
