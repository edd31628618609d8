"""Working days (工作日): the published holiday schedule plus the regulator's own entries."""
