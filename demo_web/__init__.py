"""nettsjekk.demo_web"""
