"""Jinja2 templates of the follow-up report (report.html.j2, its partials and the print stylesheet).

A package so that the templates ship with the project and load through jinja2.PackageLoader.
"""
