"""Use cases: what a person does with a project (import, annotate, export, …), for the
window, the command line and scripts alike. Nothing here imports Qt."""
