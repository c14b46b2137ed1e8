"""Low-level helpers every stage may import, like `baocao.errors`: no stage of its own.

In: plain values (text, numbers, bytes, paths). Out: text keys for matching names
(`base.keys`), Vietnamese number notation (`base.numbers`) and files written atomically
(`base.files`). Imports nothing of baocao but `baocao.errors`.
"""
