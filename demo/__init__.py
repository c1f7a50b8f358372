"""The demo programme: made-up units, teams, plans and archive, built through the apps' services by `seed_demo`.

The production apps ship no demo code; this app imports them, never the other way round.
"""
