"""nettsjekk.vendor_whitelists"""
