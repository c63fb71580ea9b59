print(#revl.subscriptions)
