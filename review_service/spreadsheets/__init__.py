"""Excel in and out: import templates, all-or-nothing imports, and exports."""
