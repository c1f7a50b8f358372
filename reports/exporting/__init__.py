"""The reports as files: xlsx (xlsx.py), PDF (pdf.py, with charts drawn by svg.py), built in the background with
their progress (jobs.py) or from the shell (`manage.py export_report`)."""
