"""Browser probes, detectors and the link crawler.

Plain Python with no Prefect import: the flows in ``nettsjekk.flows`` compose these functions.
"""
