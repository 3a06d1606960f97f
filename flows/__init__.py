"""nettsjekk.flows"""
