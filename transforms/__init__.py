"""Pure computations of the follow-up: DataFrames and plain values in, figures out. No I/O, no Prefect, no SQL."""
