-- CortexHub SQLite schema 9: the home-made runtime's cluster table and reminder table go.
-- Orleans' membership (orleans_silo) says which silos are alive, and node presence names a
-- silo by its Orleans address; reminders are Orleans' (orleans_reminder) since schema 6.
-- grain_state stays: grains still import what the earlier runtime stored there, once.
DROP TABLE IF EXISTS silos;
DROP TABLE IF EXISTS reminders;
