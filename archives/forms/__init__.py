"""Forms of the archive pages, one module per journey. They check input; archives/services.py makes the changes."""
