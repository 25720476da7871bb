"""Exchange with the ecosystem's other tools: DFC JSON-LD, OpenStreetMap links and
differences, and change feeds. Each module has one job; none of them writes to anything but
the local store."""
