"""nettsjekk.lists"""
