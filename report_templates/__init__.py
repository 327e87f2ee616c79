"""Jinja2 templates of the follow-up report (report.html.j2, its partials, the print stylesheet) and of its
email (email/).

A package so that the templates ship with the project and load through jinja2.PackageLoader.
"""
