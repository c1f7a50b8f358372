"""`make bench`: the portal's pages, heavy jobs and throughput measured on the scale data (issue 14), beside two
references measured in the same run on the same data: Django admin's unit changelist and a floor view.

A development tool, never deployed: it sits beside the apps, may import any of them, and its URLs exist only under
its own settings (bench/settings.py, bench/urls.py). `python -m bench --help` tells how to run it.
"""
