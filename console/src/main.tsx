import { render } from 'preact';
import { App } from './app.js';
import './styles.css';

const root = document.getElementById('app')!;
// The static "Loading…" line is for the moments before this script runs.
root.textContent = '';
render(<App />, root);
