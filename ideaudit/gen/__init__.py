"""``ideaudit gen``: IDE configuration (launch.json env blocks, GoLand run configurations)
and the editor task."""
