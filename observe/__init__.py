"""Exam-day observations from the exam network's proxy log (``nettsjekk observe``).

``logs`` reads Squid's native ``access.log`` and Apache combined logs (plain or ``.gz``) as a stream
of requests; ``classify`` sorts each request's host into allowed, forbidden (the deny catalog) or
other; ``observations`` finds the leaks (forbidden hosts the proxy let through) and the attempts per
machine; ``store`` keeps them for the retention period; ``render`` writes text, JSON, CSV and HTML.
"""
