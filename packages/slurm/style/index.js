import './base.css';
import './history.css';
import './runs.css';
