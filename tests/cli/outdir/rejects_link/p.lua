print(#revl.deals)
