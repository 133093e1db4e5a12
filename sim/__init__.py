"""hilander.sim: the world and the closed loop."""
