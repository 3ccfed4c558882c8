-- wrk script: GET the list of samenwerkingen with a bearer token (from $SWF_TOKEN).
wrk.method = "GET"
wrk.headers["Authorization"] = "Bearer " .. assert(os.getenv("SWF_TOKEN"), "SWF_TOKEN not set")
wrk.headers["Accept"] = "application/hal+json"
