"""Rights pages: wage check-ins and cases for workers, cases for employers, and evidence downloads."""
