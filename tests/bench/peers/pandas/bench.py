"""pandas peer: /usr/bin/python3 bench.py TASK OUT DEALS_CSV ACCOUNTS_CSV

Money in integer cents (int64): round(amount * 100); T2 rounds each
deal's amount x p half away from zero to the cent: (cents * tenths + 5) // 10.
"""
import sys

import numpy as np
import pandas as pd

P_TENTHS = {"Prospecting": 1, "Discovery": 2, "Demo": 4, "Proposal": 6, "Negotiation": 8}
CLOSED = ["Closed Won", "Closed Lost"]


def money(c):
    c = int(c)
    return ("-" if c < 0 else "") + "%d.%02d" % (abs(c) // 100, abs(c) % 100)


def cents(s):
    return (s * 100).round().astype("int64")


def deals(path, cols):
    return pd.read_csv(path, usecols=cols, dtype={"owner": str, "stage": str, "account_id": str,
                                                  "amount": "float64"})


def tiers(path):
    a = pd.read_csv(path, usecols=["account_id", "industry", "employees", "annual_revenue", "country"],
                    dtype={"account_id": str, "industry": str, "country": str,
                           "employees": "float64", "annual_revenue": "float64"})
    e = a["employees"]
    score = (np.where(a["industry"].isin(["Software", "Fintech", "Healthcare"]), 30, 0)
             + np.where((e >= 200) & (e <= 5000), 25, np.where(e > 5000, 15, 0))
             + np.where(a["country"].isin(["US", "CA", "GB", "DE"]), 20, 0)
             + np.where(a["annual_revenue"] > 50_000_000, 25, 0))
    tier = np.select([score >= 75, score >= 50, score >= 25], ["A", "B", "C"], "D")
    return pd.DataFrame({"account_id": a["account_id"], "score": score, "tier": tier})


def main():
    task, out, deals_csv, accounts_csv = sys.argv[1:5]
    if task == "t1":
        d = deals(deals_csv, ["amount"])
        s = int(cents(d["amount"]).sum())
        pd.DataFrame({"rows": [len(d)], "amount_sum": [money(s)]}).to_csv(out, index=False)
    elif task == "t2":
        d = deals(deals_csv, ["owner", "stage", "amount"])
        d = d[~d["stage"].isin(CLOSED)]
        w = cents(d["amount"]) * d["stage"].map(P_TENTHS).astype("int64")
        w = np.sign(w) * ((w.abs() + 5) // 10)
        g = w.groupby(d["owner"]).sum()
        pd.DataFrame({"owner": g.index, "weighted_total": [money(v) for v in g.values]}).to_csv(out, index=False)
    elif task == "t3":
        tiers(accounts_csv).to_csv(out, index=False)
    elif task == "t4":
        t = tiers(accounts_csv)
        d = deals(deals_csv, ["account_id", "stage", "amount"])
        d = d[~d["stage"].isin(CLOSED)]
        o = (pd.DataFrame({"account_id": d["account_id"], "c": cents(d["amount"])})
             .groupby("account_id").agg(n=("c", "size"), s=("c", "sum")).reset_index())
        j = t.merge(o, on="account_id", how="left")
        g = j.groupby("tier").agg(accounts=("account_id", "size"), accounts_with_open=("n", "count"),
                                  open_deals=("n", "sum"), s=("s", "sum"))
        g = g.reindex(["A", "B", "C", "D"]).fillna(0)
        pd.DataFrame({"tier": g.index, "accounts": g["accounts"].astype("int64"),
                      "accounts_with_open": g["accounts_with_open"].astype("int64"),
                      "open_deals": g["open_deals"].astype("int64"),
                      "open_pipeline": [money(v) for v in g["s"]]}).to_csv(out, index=False)
    else:
        sys.exit("unknown task " + task)


if __name__ == "__main__":
    main()
