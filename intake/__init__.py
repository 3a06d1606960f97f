"""Manual tests at the test exam: a small web form that pupils, teachers and ICT staff fill in on the
exam machines, stored beside the automated run (``nettsjekk intake serve|link|export``).

    tokens.py    signed links per checkpoint (with an expiry) and the form's CSRF field
    form.py      the form's fields (``form.yaml``) and the check of a submission
    images.py    screenshots: type from content, size limit, re-encoded (Pillow)
    useragent.py browser and operating system from the user agent (``user_agents.yaml``)
    limits.py    request size limit and rate limit per client
    app.py       the Starlette application
    export.py    the submissions as CSV
"""
