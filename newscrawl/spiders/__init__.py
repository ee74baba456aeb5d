"""Spiders: one per site (``scrapy list``), on shared bases per markup family."""
