"""The contract suite: functional cases against any Edge target, judged by the one verdict.

Run it with `python -m pytest <this folder> [--target URL] [--datastream-id ID]` or through `edgeload contract`.
"""
