export function time(iso) {
  if (!iso) {
    return '—';
  }
  const d = new Date(iso);
  return Object.assign(document.createElement('time'), { dateTime: iso, textContent: d.toLocaleString(), title: iso });
}

export function seconds(value) {
  if (value === null || value === undefined) {
    return 'none';
  }
  if (value < 60) {
    return `${value.toFixed(1)} s`;
  }
  if (value < 3600) {
    return `${(value / 60).toFixed(1)} min`;
  }
  if (value < 86400) {
    return `${(value / 3600).toFixed(1)} h`;
  }
  return `${(value / 86400).toFixed(1)} d`;
}

export function percent(rate) {
  return rate === null || rate === undefined ? '—' : `${(rate * 100).toFixed(1)} %`;
}

export function ago(iso) {
  if (!iso) {
    return '—';
  }
  return `${seconds(Math.max(0, (Date.now() - new Date(iso).getTime()) / 1000))} ago`;
}
