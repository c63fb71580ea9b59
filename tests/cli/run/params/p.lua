print(revl.params.region, revl.params.quota, revl.as_of)
