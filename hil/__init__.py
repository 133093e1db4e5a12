"""hilander.hil: the boundary and the application (CLI, output)."""
