#    Licensed under the Apache License, Version 2.0 (the "License"); you may
#    not use this file except in compliance with the License. You may obtain
#    a copy of the License at
#
#         http://www.apache.org/licenses/LICENSE-2.0
#
#    Unless required by applicable law or agreed to in writing, software
#    distributed under the License is distributed on an "AS IS" BASIS, WITHOUT
#    WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the
#    License for the specific language governing permissions and limitations
#    under the License.

"""Sphinx configuration of the guest agent's documentation.

Built by ``tox -e docs`` with warnings as errors. The option reference
is generated from the code (``oslo_config.sphinxext``), so it needs the
project installed: its ``oslo.config.opts`` entry point names the options.
"""

extensions = [
    'oslo_config.sphinxext',
]

project = 'MongoDB for the Trove guest agent'
copyright = 'OpenStack Foundation'
master_doc = 'index'
source_suffix = '.rst'
exclude_patterns = ['_build']
pygments_style = 'sphinx'
html_theme = 'alabaster'
html_static_path = []
