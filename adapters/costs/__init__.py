"""Reading cost files: CSV, CSV.gz and Parquet, streamed row by row, and the AWS CUR manifest."""
