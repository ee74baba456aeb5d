from setuptools import find_packages, setup

setup(
    name="newscrawl",
    version="0.1.0",
    description="Scrapy crawler for Arabic news sites: tickers and articles, Arabic normalization, dedupe, MongoDB",
    long_description=open("README.md", encoding="utf-8").read(),
    long_description_content_type="text/markdown",
    python_requires=">=3.11",
    packages=find_packages(exclude=["tests", "tests.*", "benchmarks"]),
    install_requires=[
        "scrapy>=2.16,<3",
        "itemloaders>=1.3",
        "parsel>=1.9",
        "python-dateutil>=2.8",
        "pymongo>=4.13.2",
        "dateparser>=1.2",
        "w3lib>=2.1",
        "trafilatura>=2.0",
        # trafilatura -> justext imports lxml.html.clean, a separate package since lxml 5.2
        "lxml_html_clean>=0.4",
        # lenient JSON-LD (comments, trailing commas): a maintained C JSON5 parser
        "pyjson5>=1.6",
        "matplotlib>=3.8",  # `scrapy report`: charts rendered to inline SVG (Agg backend, no display)
        "simhash>=2.1",
        "hijridate>=2.3",
        "warcio>=1.7.4",
        "charset-normalizer>=3.3",  # encoding detection (newscrawl.text.encoding)
        "numpy>=1.24",  # the dedupe LSH key table and MinHash (newscrawl.dedupe)
    ],
    extras_require={
        # datasketch: the reference MinHash our numpy band keys are tested against (importing it at
        # run time would also import scipy: 63 MB of RSS per crawl)
        "test": ["pytest>=8", "secantusdb==0.7.0b3", "mongomock-ng>=7.11", "mockupdb>=1.8", "scrapy-redis>=0.9.1", "redis>=5",
                 "datasketch>=1.6"],
        "redis": ["scrapy-redis>=0.9.1", "redis>=5"],
        # the local MongoDB-compatible server used when MONGO_URI is not set (GPL-2.0, run as a
        # separate process, never imported); the Makefile installs it with the test extra
        "server": ["secantusdb==0.7.0b3"],
    },
    entry_points={
        "scrapy": ["settings = newscrawl.settings"],
        # `scrapy mongo-replay` (a hyphenated name cannot be a module in COMMANDS_MODULE)
        "scrapy.commands": ["mongo-replay = newscrawl.commands.mongo_replay:Command"],
    },
)
