/*
 * The portal's charts, drawn in the browser by the vendored Apache ECharts (static/vendor/echarts/echarts.min.js,
 * loaded before this file; templates/reports/dashboard/_scripts.html loads both). Every element
 *
 *   <div class="hh-chart" data-chart="{json}"></div>
 *
 * on a page becomes a chart; reports/charts.py writes the JSON:
 *
 *   {
 *     "kind": "bar" | "line" | "pie" | "map" | "gauge",
 *     "title": "…",          the chart's name, its accessible label when the element has none (the page shows
 *                            the title itself, above the chart: ECharts draws no title)
 *     "categories": ["…"],   bar and line: the axis; pie: the slices; map: the cities' names as the GeoJSON names
 *                            them (杭州市 …); gauge: one label
 *     "series": [{"name": "…", "values": [n | null, …], "unit": "%"}],
 *                            one value per category, null for no figure (a gap; "—" in the tooltip); "unit" is
 *                            optional and wins over the chart's
 *     "unit": "个",          written after the values in tooltips and labels
 *     "max": n               gauge only: the end of the dial (a target)
 *   }
 *
 * A map also carries data-map-url="…/zhejiang.json", the vendored GeoJSON of Zhejiang's 11 cities, fetched once and
 * registered as "zhejiang". Its first series colours the cities (0–100 when its unit is "%", otherwise 0 to the
 * largest value) and every series shows in the tooltip. A pie draws its first series. Bars lie horizontally when the
 * categories are many or long.
 *
 * Charts follow their container's width (a ResizeObserver, or the window's resize). Nothing here writes a style
 * attribute or an inline script, so the Content-Security-Policy holds: the tooltips are text built here rather than
 * ECharts' default markup, whose colour markers carry inline styles. The numbers of every chart are also on the page
 * as a table (the "数据表" under it): the chart is the picture, the table the record.
 */
(function () {
  "use strict";

  const COLOURS = ["#0b3d91", "#c8102e", "#198754", "#e0a100", "#6f42c1", "#0dcaf0", "#6c757d", "#fd7e14"];
  const MAP_NAME = "zhejiang";
  const maps = {}; // GeoJSON URL → promise of its registration
  const drawn = [];

  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
  }

  function formatted(value, unit) {
    if (value === null || value === undefined || Number.isNaN(value)) return "—";
    const number = Number(value).toLocaleString("zh-CN", { maximumFractionDigits: 1 });
    if (!unit) return number;
    return unit === "%" ? number + "%" : number + " " + unit;
  }

  function unitOf(spec, series) {
    return series && series.unit !== undefined ? series.unit : spec.unit || "";
  }

  // One line per series for the category at `index`: "name: value unit".
  function tooltipLines(spec, index, heading) {
    const lines = heading ? ["<strong>" + escapeHtml(heading) + "</strong>"] : [];
    spec.series.forEach((series) => {
      lines.push(escapeHtml(series.name) + "：" + escapeHtml(formatted(series.values[index], unitOf(spec, series))));
    });
    return lines.join("<br>");
  }

  function horizontal(spec) {
    return spec.categories.length > 8 || spec.categories.some((category) => category.length > 6);
  }

  function legend(spec) {
    return spec.series.length > 1 ? { top: 0, type: "scroll" } : { show: false };
  }

  function axisChart(spec) {
    const lying = spec.kind === "bar" && horizontal(spec);
    const categoryAxis = {
      type: "category",
      data: spec.categories,
      axisTick: { alignWithLabel: true },
      axisLabel: lying ? { width: 96, overflow: "break", interval: 0 } : { hideOverlap: true },
      inverse: lying, // the first category on top, as in the table
    };
    const valueAxis = { type: "value", minInterval: unitOf(spec) === "%" ? 0 : 1, max: unitOf(spec) === "%" ? 100 : null };
    return {
      color: COLOURS,
      grid: { left: 8, right: 16, top: spec.series.length > 1 ? 32 : 12, bottom: 8, containLabel: true },
      legend: legend(spec),
      tooltip: {
        trigger: "axis",
        axisPointer: { type: spec.kind === "bar" ? "shadow" : "line" },
        formatter: (params) => tooltipLines(spec, params[0].dataIndex, spec.categories[params[0].dataIndex]),
      },
      xAxis: lying ? valueAxis : categoryAxis,
      yAxis: lying ? categoryAxis : valueAxis,
      series: spec.series.map((series) => ({
        type: spec.kind,
        name: series.name,
        data: series.values,
        barMaxWidth: 28,
        connectNulls: false,
        areaStyle: spec.kind === "line" && spec.series.length === 1 ? { opacity: 0.12 } : undefined,
      })),
    };
  }

  function pieChart(spec) {
    const series = spec.series[0] || { name: "", values: [] };
    return {
      color: COLOURS,
      legend: { bottom: 0, type: "scroll" },
      tooltip: { trigger: "item", formatter: (params) => tooltipLines(spec, params.dataIndex, spec.categories[params.dataIndex]) },
      series: [{
        type: "pie",
        name: series.name,
        radius: ["38%", "68%"],
        center: ["50%", "45%"],
        label: { formatter: "{b}：{c}" },
        data: spec.categories.map((name, index) => ({ name: name, value: series.values[index] })),
      }],
    };
  }

  function gaugeChart(spec) {
    const series = spec.series[0] || { name: "", values: [0] };
    const end = spec.max || Math.max(1, series.values[0] || 0);
    return {
      color: COLOURS,
      series: [{
        type: "gauge",
        min: 0,
        max: end,
        startAngle: 200,
        endAngle: -20,
        radius: "95%",
        center: ["50%", "62%"],
        progress: { show: true, width: 22, roundCap: false },
        axisLine: { lineStyle: { width: 22, color: [[1, "#e6ecf5"]] } },
        pointer: { show: false },
        axisTick: { show: false },
        splitLine: { show: false },
        axisLabel: { show: false },
        anchor: { show: false },
        title: { show: true, offsetCenter: [0, "28%"], fontSize: 14, color: "#51596a" },
        detail: {
          offsetCenter: [0, "-8%"],
          fontSize: 28,
          fontWeight: 600,
          color: "#082c69",
          formatter: (value) => formatted(value) + " / " + formatted(end),
        },
        data: [{ value: series.values[0], name: spec.categories[0] || series.name }],
      }],
    };
  }

  function mapChart(spec) {
    const colouring = spec.series[0] || { name: "", values: [] };
    const percent = unitOf(spec, colouring) === "%";
    const largest = Math.max(1, ...colouring.values.filter((value) => value !== null));
    return {
      tooltip: { trigger: "item", formatter: (params) => tooltipLines(spec, spec.categories.indexOf(params.name), params.name) },
      visualMap: {
        min: 0,
        max: percent ? 100 : largest,
        orient: "horizontal",
        left: "center",
        bottom: 0,
        itemWidth: 12,
        itemHeight: 120,
        calculable: true,
        inRange: { color: ["#e6ecf5", "#0b3d91"] },
        formatter: (value) => formatted(value, percent ? "%" : ""),
      },
      series: [{
        type: "map",
        map: MAP_NAME,
        name: colouring.name,
        roam: false,
        layoutCenter: ["50%", "46%"],
        layoutSize: "88%",
        label: { show: true, fontSize: 10, color: "#1f2937" },
        emphasis: { label: { color: "#000" }, itemStyle: { areaColor: "#f0ad4e" } },
        data: spec.categories.map((name, index) => ({ name: name, value: colouring.values[index] })),
      }],
    };
  }

  const OPTIONS = { bar: axisChart, line: axisChart, pie: pieChart, gauge: gaugeChart, map: mapChart };

  function registered(url) {
    if (!maps[url]) {
      maps[url] = fetch(url, { credentials: "same-origin" })
        .then((response) => {
          if (!response.ok) throw new Error("map " + url + ": " + response.status);
          return response.json();
        })
        .then((geoJson) => echarts.registerMap(MAP_NAME, geoJson));
    }
    return maps[url];
  }

  function draw(element) {
    if (element.dataset.chartState) return;
    element.dataset.chartState = "drawing";
    let spec;
    try {
      spec = JSON.parse(element.dataset.chart);
    } catch (error) {
      element.dataset.chartState = "failed";
      return;
    }
    if (!element.hasAttribute("aria-label") && !element.hasAttribute("aria-labelledby") && spec.title) {
      element.setAttribute("aria-label", spec.title);
    }
    const ready = spec.kind === "map" ? registered(element.dataset.mapUrl) : Promise.resolve();
    ready
      .then(() => {
        const lang = (document.documentElement.lang || "zh").toLowerCase();
        const chart = echarts.init(element, null, { renderer: "canvas", locale: lang.startsWith("zh") ? "ZH" : "EN" });
        chart.setOption({ animationDuration: 400, ...OPTIONS[spec.kind](spec) });
        drawn.push(chart);
        if (window.ResizeObserver) new ResizeObserver(() => chart.resize()).observe(element);
        element.dataset.chartState = "drawn";
      })
      .catch(() => {
        element.dataset.chartState = "failed"; // the table under the chart still holds its numbers
      });
  }

  function drawAll(root) {
    if (typeof echarts === "undefined") return;
    root.querySelectorAll(".hh-chart[data-chart]").forEach(draw);
  }

  let resizing = null;
  window.addEventListener("resize", () => {
    clearTimeout(resizing);
    resizing = setTimeout(() => drawn.forEach((chart) => chart.resize()), 100);
  });
  document.addEventListener("htmx:load", (event) => drawAll(event.target));
  drawAll(document);
})();
