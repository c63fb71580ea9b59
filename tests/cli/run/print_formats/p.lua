revl.print(revl.deals:where{is_closed = false}:group_by("owner", {n = "count", total = {"sum", "amount"}}))
revl.print(#revl.accounts, "text")
