"""Feature detectors: each module matches one family of rule matchers against a page snapshot.

A detector has an ``id``, the matcher ``kinds`` it handles, and ``detect(rules, snapshot)``
returning candidates. ``nettsjekk.probes.detection`` runs them, isolates their failures and turns
the best candidate per rule and page into a ``Finding``.
"""

from __future__ import annotations

from nettsjekk.probes.detectors.destinations import DestinationDetector
from nettsjekk.probes.detectors.features import FeatureDetector
from nettsjekk.probes.detectors.globals import GlobalsDetector
from nettsjekk.probes.detectors.markup import MarkupDetector
from nettsjekk.probes.detectors.network import NetworkDetector
from nettsjekk.probes.detectors.text import TextDetector

DETECTORS = (NetworkDetector(), MarkupDetector(), TextDetector(), GlobalsDetector(), DestinationDetector(),
             FeatureDetector())
"""Enabled detectors, in the order they run."""
