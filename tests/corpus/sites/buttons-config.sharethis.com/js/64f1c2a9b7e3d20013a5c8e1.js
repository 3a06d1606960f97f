/* fake ShareThis property config */
window.__sharethis__ && (window.__sharethis__.config.inline = {networks: ['facebook','twitter','linkedin','email']});
