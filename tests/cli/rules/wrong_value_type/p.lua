local m = revl.icp{rules = {{"employees", ">", "many", points = 5}}}
