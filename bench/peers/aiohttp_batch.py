"""The Python peer of the batch benchmark: asyncio + aiohttp, the design Google's guide recommends.

Reads rows ("id<TAB>prompt" lines) from a file, runs them THROTTLE at a time against GEMINI_BASE_URL, decodes each
image and writes it to OUT/<id>.png (or .jpg). Prints "done;peak_bytes;seconds;cpu_seconds;first_call_seconds" last.
Like every client of the benchmark it first makes one request of its own, not counted (aiohttp imported, the session's
first connection): start-up, reported as the first call.
"""
import asyncio, base64, json, os, resource, sys, time

async def main(rows_file, out, throttle, model, timing):
    t0 = time.perf_counter()
    base = os.environ["GEMINI_BASE_URL"]
    key = os.environ["GEMINI_API_KEY"]
    import aiohttp
    url = f"{base}v1beta/models/{model}:generateContent"
    os.makedirs(out, exist_ok=True)
    with open(rows_file, encoding="utf-8") as f:
        rows = [line.rstrip("\n").split("\t", 1) for line in f if line.strip()]
    sem = asyncio.Semaphore(throttle)
    done = 0

    async def one(session, row_id, prompt):
        nonlocal done
        body = {"contents": [{"role": "user", "parts": [{"text": prompt}]}],
                "generationConfig": {"responseModalities": ["TEXT", "IMAGE"]}}
        async with sem:
            async with session.post(url, json=body, headers={"x-goog-api-key": key}) as r:
                r.raise_for_status()
                data = await r.json()
        for part in data["candidates"][0]["content"]["parts"]:
            inline = part.get("inlineData")
            if inline and not part.get("thought"):
                ext = ".jpg" if inline["mimeType"] == "image/jpeg" else ".png"
                with open(os.path.join(out, row_id + ext), "wb") as f:
                    f.write(base64.b64decode(inline["data"]))
                done += 1
                return

    connector = aiohttp.TCPConnector(limit=throttle)
    timeout = aiohttp.ClientTimeout(total=600)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        warm = os.path.join(out, "warm-up")
        os.makedirs(warm, exist_ok=True)
        await one(session, os.path.join("warm-up", "first"), "warm up")
        done = 0
        timing["first"] = time.perf_counter() - t0
        timing["t0"] = time.perf_counter()
        timing["c0"] = os.times()
        await asyncio.gather(*(one(session, i, p) for i, p in rows))
    return done

if __name__ == "__main__":
    rows_file, out, throttle, model = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    timing = {}
    n = asyncio.run(main(rows_file, out, throttle, model, timing))
    c1 = os.times()
    seconds = time.perf_counter() - timing["t0"]
    cpu = (c1.user - timing["c0"].user) + (c1.system - timing["c0"].system)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(f"{n};{peak};{seconds};{cpu};{timing['first']}")
