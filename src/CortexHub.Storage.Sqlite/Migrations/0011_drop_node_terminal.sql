-- CortexHub SQLite schema 11: the per-node terminal ring goes. A node's terminal is now the screen
-- of its sessions (tasks with a terminal, whose output the task keeps); TerminalOutput from a
-- node is accepted and ignored (protocol §10).
DROP TABLE IF EXISTS node_terminal;
